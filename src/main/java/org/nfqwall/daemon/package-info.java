/** Process wiring: the queue worker, signals, rule reloads, the control-socket server and the decision log. */
package org.nfqwall.daemon;
