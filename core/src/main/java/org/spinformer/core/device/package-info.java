/** Device and dtype selection, offline/telemetry settings for DJL. */
package org.spinformer.core.device;
