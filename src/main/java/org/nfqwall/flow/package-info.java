/** Flow keys, the bounded flow table, and in-order reassembly of each flow's client bytes. */
package org.nfqwall.flow;
