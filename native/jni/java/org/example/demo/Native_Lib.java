package org.example.demo;

/**
 * Native methods implemented by native/jni/demo.c. The class name holds an
 * underscore (mangled _1), the nested class a '$' (_00024), a method name a
 * non-ASCII letter (_000e9), and two methods are overloaded (long JNI names).
 */
public final class Native_Lib {
    private Native_Lib() {}

    public static native int add(int a, int b);

    public static native long add(long a, long b);

    public static native String greet(String who);

    public static native int get_value();

    public static native int h\u00e9llo(int x);

    public static native byte[] echo(byte[] data);

    public static native String[] echo(String[] data);

    public static final class Inner {
        private Inner() {}

        public static native int twice(int x);
    }
}
