/** The control-socket protocol: JSON-lines requests and responses, the rule-set diff, and the client. */
package org.nfqwall.control;
