import DurableFiles

/// Publishes metrics for node_exporter's textfile collector, which reads `*.prom` files from one directory.
public enum PrometheusTextfile {
    /// Replaces `path` (which should end in `.prom`) with `text` atomically: the collector sees the old file or
    /// the new one, never a half-written one. The temporary file is `.<name>.tmp-<random>` beside it, which the
    /// collector ignores. The file is mode 0644 whatever the umask, since node_exporter runs as another user.
    ///
    /// Not fsynced: the file is rewritten every few seconds and worthless after a power cut, and flash storage
    /// on edge devices should not pay for it.
    public static func write(_ text: String, to path: String) throws(FileOperationError) {
        try DurableFiles.replace(path, with: Array(text.utf8), mode: 0o644, exactMode: true, durable: false)
    }
}
