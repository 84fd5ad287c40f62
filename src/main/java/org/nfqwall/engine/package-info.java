/** One packet in, one verdict out: ties packet decoding, flows, inspection and rules together. */
package org.nfqwall.engine;
