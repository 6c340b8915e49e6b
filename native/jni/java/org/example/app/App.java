package org.example.app;

/** The application class of the fat JAR (BOOT-INF/classes), which uses the nested JAR's natives. */
public final class App {
    private App() {}

    public static void main(String[] args) {
        org.example.demo.Main.main(args);
    }
}
