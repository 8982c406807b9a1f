/** Spinformer language. */
package org.spinformer.language;
