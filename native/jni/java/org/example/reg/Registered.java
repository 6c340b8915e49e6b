package org.example.reg;

/** Natives bound by RegisterNatives in native/jni/onload.c's JNI_OnLoad. */
public final class Registered {
    private Registered() {}

    public static native int mul(int a, int b);

    public static native String name();

    /** Loads the library at args[0] and calls both natives. */
    public static void main(String[] args) {
        System.load(args[0]);
        System.out.println(mul(6, 7) + " " + name());
    }
}
