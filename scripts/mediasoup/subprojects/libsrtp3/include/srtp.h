/*
 * Shim: the mediasoup worker includes <srtp.h> from libsrtp3; Debian ships libsrtp 2.5 as
 * <srtp2/srtp.h>. Most functions the worker calls are the same in both; RTC::SrtpSession's
 * constructor and its four protect/unprotect calls are patched separately. What a header can
 * bridge is bridged here:
 * - libsrtp3 added two error codes after the last one of 2.5 (srtp_err_status_pkt_idx_adv = 27);
 *   DepLibSRTP's error-name table names them, so they get the values they have in libsrtp3.
 *   libsrtp 2.5 never returns them.
 * - libsrtp3 renamed srtp_remove_stream() to srtp_stream_remove().
 */
#ifndef SEMAIGC_MEDIASOUP_SRTP_SHIM_H
#define SEMAIGC_MEDIASOUP_SRTP_SHIM_H

#include <srtp2/srtp.h>

#define srtp_err_status_buffer_small (static_cast<srtp_err_status_t>(28))
#define srtp_err_status_cryptex_err (static_cast<srtp_err_status_t>(29))

static inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}

#endif
