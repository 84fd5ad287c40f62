/** HTTP/1.x request heads on a client byte stream. */
package org.nfqwall.inspect.http;
