/** Process wiring: the queue worker, signals, rule reloads, the control-socket server, the decision log and the metrics endpoint. */
package org.nfqwall.daemon;
