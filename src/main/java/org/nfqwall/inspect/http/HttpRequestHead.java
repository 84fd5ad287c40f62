package org.nfqwall.inspect.http;

/**
 * The facts of one HTTP/1.x request head that rules match on: the path normalised by
 * {@link HttpNormalizer}, the hosts raw, to be normalised (and judged) by the caller.
 *
 * <p>Mutable: one instance per worker thread, refilled by {@link HttpInspector#inspect} for each
 * request it returns. Not thread-safe; copy what must outlive the next request.
 */
public final class HttpRequestHead {
    private String method;
    private String target;
    private String hostHeader;
    private String targetHost;
    private String path;
    private String query;
    private String version;
    private boolean keepAlive;

    /** The method token, case kept ("GET", "CONNECT"). */
    public String method() {
        return method;
    }

    /** The request-target as sent (non-ASCII octets read as UTF-8). */
    public String target() {
        return target;
    }

    /**
     * The first Host header's value, trimmed but otherwise as sent ({@code Example.COM.:8080}):
     * raw, to be normalised by the caller; null if absent or empty.
     */
    public String hostHeader() {
        return hostHeader;
    }

    /**
     * The authority of an absolute-form target without its userinfo, or a CONNECT authority-form
     * target, port still attached ({@code Proxy.Example:443}): raw, to be normalised by the
     * caller; null for other forms.
     */
    public String targetHost() {
        return targetHost;
    }

    /**
     * The host a server would serve: {@link #targetHost()} if present (RFC 9112 3.2.2: it wins
     * over the Host header), else {@link #hostHeader()}; raw, to be normalised by the caller; may
     * be null.
     */
    public String host() {
        return targetHost != null ? targetHost : hostHeader;
    }

    /** The normalised path; "*" for asterisk-form; null for a CONNECT authority-form target. */
    public String path() {
        return path;
    }

    /** The raw query without '?', "" for a bare '?', null if the target has none. */
    public String query() {
        return query;
    }

    /** The protocol version, "HTTP/1.1" or "HTTP/1.0". */
    public String version() {
        return version;
    }

    /** Whether the client asked to keep the connection open after this request. */
    public boolean keepAlive() {
        return keepAlive;
    }

    void clear() {
        method = null;
        target = null;
        hostHeader = null;
        targetHost = null;
        path = null;
        query = null;
        version = null;
        keepAlive = false;
    }

    void requestLine(String method, String target, String version) {
        this.method = method;
        this.target = target;
        this.version = version;
    }

    void hostHeader(String hostHeader) {
        this.hostHeader = hostHeader;
    }

    void targetParts(String targetHost, String path, String query) {
        this.targetHost = targetHost;
        this.path = path;
        this.query = query;
    }

    void keepAlive(boolean keepAlive) {
        this.keepAlive = keepAlive;
    }

    @Override
    public String toString() {
        return method + " " + target + " " + version + " [hostHeader=" + hostHeader + ", targetHost=" + targetHost
                + ", path=" + path + ", query=" + query + ", keepAlive=" + keepAlive + "]";
    }
}
