package org.nfqwall.daemon;

/** How the decision log writes a line: {@link #JSON} (EVE-like, the default) or {@link #TEXT}. */
public enum LogFormat {
    /** One JSON object per line, shaped like Suricata's EVE; see {@link EveJson}. */
    JSON,
    /** One human-readable line per decision; see {@link TextLine}. */
    TEXT
}
