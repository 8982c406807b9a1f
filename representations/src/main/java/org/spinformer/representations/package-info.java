/** Spinformer representations. */
package org.spinformer.representations;
