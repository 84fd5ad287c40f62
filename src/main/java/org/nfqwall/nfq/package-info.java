/** The JNR-FFI binding of libnetfilter_queue, and nothing else. */
package org.nfqwall.nfq;
