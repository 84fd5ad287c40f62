/** Counters kept by the packet path and read by the control plane. */
package org.nfqwall.stats;
