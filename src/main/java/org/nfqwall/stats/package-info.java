/** Counters kept by the packet path (per engine, per rule) and the kernel's queue counters, read by the control plane. */
package org.nfqwall.stats;
