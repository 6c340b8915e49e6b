package org.example.loadfix;

/** The class whose native method libanswer.so implements; main loads the library at args[0] and calls it. */
public final class Answer {
    private Answer() {}

    public static native int answer();

    public static void main(String[] args) {
        System.load(args[0]);
        System.out.println(answer());
    }
}
