/** Spinformer nqs. */
package org.spinformer.nqs;
