/** Clone-vs-original statistics: frequencies, connected two- and three-point correlations, mutual information. */
package org.spinformer.language.diagnose;
