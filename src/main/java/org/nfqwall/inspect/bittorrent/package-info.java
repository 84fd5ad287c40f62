/** The BitTorrent peer-wire handshake, recognised by its first bytes. */
package org.nfqwall.inspect.bittorrent;
