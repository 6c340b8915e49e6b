package org.example.demo;

/** Loads the library at args[0] and calls every native method once. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.load(args[0]);
        System.out.println(Native_Lib.add(2, 3) + " " + Native_Lib.add(2L, 3L) + " " + Native_Lib.greet("jar") + " "
                + Native_Lib.get_value() + " " + Native_Lib.h\u00e9llo(1) + " " + Native_Lib.Inner.twice(21) + " "
                + Native_Lib.echo(new byte[] {1, 2}).length + " " + Native_Lib.echo(new String[] {"a"}).length);
    }
}
