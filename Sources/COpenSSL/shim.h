// The only C the project contains: headers for the system OpenSSL 3 (libssl-dev),
// plus inline wrappers for the few APIs that are C macros, which Swift cannot import.
#ifndef AIBOM_COPENSSL_SHIM_H
#define AIBOM_COPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

// OPENSSL_free is a macro over CRYPTO_free carrying __FILE__/__LINE__.
static inline void aibom_openssl_free(void *p) { OPENSSL_free(p); }

// BIO_get_mem_data is a macro over BIO_ctrl.
static inline long aibom_bio_get_mem_data(BIO *bio, char **out) { return BIO_get_mem_data(bio, out); }

#endif
