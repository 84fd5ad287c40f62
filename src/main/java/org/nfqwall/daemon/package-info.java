/** Process wiring: the queue worker, signals, rule reloads and the decision log. */
package org.nfqwall.daemon;
