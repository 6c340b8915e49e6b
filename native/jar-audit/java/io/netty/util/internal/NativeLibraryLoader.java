package io.netty.util.internal;

/**
 * A stand-in for netty's NativeLibraryLoader: only its binary name matters to
 * the audit. netty mangles the package this class is relocated to into the
 * file name of the library it loads (io.grpc.netty.shaded → the prefix
 * io_grpc_netty_shaded_), so the fixtures hold it in its own package and
 * relocated to io.grpc.netty.shaded (compiled from this file with the package
 * line rewritten, as a shader would).
 */
public final class NativeLibraryLoader {
    private NativeLibraryLoader() {}
}
