/*
 * Reproduces, without mediasoup, the worker crash that patches/DtlsTransport-bio-callback-return.patch
 * fixes (README.md, "What is patched"): two in-memory DTLS endpoints; the "worker" one writes into
 * a memory BIO carrying a BIO_set_callback_ex() callback written as mediasoup 3.27.1's
 * onSslBioOut (FIXED=0: returns 1 for every call but the never-seen op == BIO_CB_RETURN) or as
 * patched (FIXED=1: passes OpenSSL's ret through for every call with BIO_CB_RETURN set).
 *
 *   cc -DFIXED=0 dtls-bio-callback.c -lssl -lcrypto -o broken && ./broken server   # SIGSEGV with a kTLS libssl
 *   cc -DFIXED=1 dtls-bio-callback.c -lssl -lcrypto -o fixed && ./fixed server     # handshake done
 *
 * ("client" instead of "server" makes the worker side the DTLS client.) Exit status 0 when the
 * handshake completes.
 */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

static BIO *peer_in; /* where the worker's output goes */

static long out_cb(BIO *bio, int op, const char *argp, size_t len, int argi, long argl, int ret, size_t *processed) {
  (void)argi; (void)argl; (void)processed;
#if FIXED
  long r = (op & BIO_CB_RETURN) ? (long)ret : 1;
#else
  long r = (op == BIO_CB_RETURN) ? (long)ret : 1;
#endif
  if (op == BIO_CB_WRITE && argp && len > 0) { BIO_write(peer_in, argp, (int)len); (void)BIO_reset(bio); }
  return r;
}

static SSL_CTX *ctx(void) {
  SSL_CTX *c = SSL_CTX_new(DTLS_method());
  EVP_PKEY *k = EVP_EC_gen("prime256v1");
  X509 *x = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, k);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "O", MBSTRING_ASC, (const unsigned char *)"t", -1, -1, 0);
  X509_set_issuer_name(x, X509_get_subject_name(x));
  X509_sign(x, k, EVP_sha256());
  SSL_CTX_use_certificate(c, x);
  SSL_CTX_use_PrivateKey(c, k);
  SSL_CTX_set_tlsext_use_srtp(c, "SRTP_AES128_CM_SHA1_80");
  return c;
}
/* DTLS certificates in WebRTC are self-signed and checked by fingerprint, as in the worker. */
static int always_ok(int ok, X509_STORE_CTX *s) { (void)ok; (void)s; return 1; }

int main(int argc, char **argv) {
  int worker_is_server = argc < 2 || strcmp(argv[1], "client") != 0;
  SSL_CTX *c = ctx();
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, always_ok);
  SSL *w = SSL_new(c), *p = SSL_new(c);
  BIO *w_in = BIO_new(BIO_s_mem()), *w_out = BIO_new(BIO_s_mem());
  BIO *p_in = BIO_new(BIO_s_mem()), *p_out = BIO_new(BIO_s_mem());
  peer_in = p_in;
  BIO_set_callback_ex(w_out, out_cb);
  SSL_set_bio(w, w_in, w_out);
  SSL_set_bio(p, p_in, p_out);
  SSL_set_mtu(w, 1350); DTLS_set_link_mtu(w, 1350);
  printf("BIO_get_ktls_send(worker out) = %d\n", (int)BIO_ctrl(w_out, BIO_CTRL_GET_KTLS_SEND, 0, NULL));
  if (worker_is_server) { SSL_set_accept_state(w); SSL_set_connect_state(p); }
  else { SSL_set_connect_state(w); SSL_set_accept_state(p); }
  unsigned char buf[65536];
  for (int i = 0; i < 20 && !(SSL_is_init_finished(w) && SSL_is_init_finished(p)); i++) {
    SSL_do_handshake(p);
    char tmp[65536]; int n;
    while ((n = BIO_read(p_out, tmp, sizeof tmp)) > 0) BIO_write(w_in, tmp, n);
    if (i == 0 && !worker_is_server) SSL_do_handshake(w);
    SSL_read(w, buf, sizeof buf); /* as DtlsTransport::ProcessDtlsData does */
  }
  printf("worker as %s: handshake %s\n", worker_is_server ? "server" : "client",
         SSL_is_init_finished(w) && SSL_is_init_finished(p) ? "done" : "NOT done");
  return SSL_is_init_finished(w) && SSL_is_init_finished(p) ? 0 : 1;
}
