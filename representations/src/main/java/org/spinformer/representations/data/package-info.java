/** Aligned text pairs: the embedded Bible (KJV, WEB, Reina-Valera 1909) and user TSV files. */
package org.spinformer.representations.data;
