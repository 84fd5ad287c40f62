/** Protocol inspectors, each fed a flow's ordered client bytes or datagrams, each yielding facts. */
package org.nfqwall.inspect;
