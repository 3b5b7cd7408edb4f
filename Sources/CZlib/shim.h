// The system zlib (zlib1g-dev), for inflating zip members and gzip streams.
// inflateInit2 is a macro over inflateInit2_ (it passes ZLIB_VERSION and sizeof(z_stream)).
#ifndef AIBOM_CZLIB_SHIM_H
#define AIBOM_CZLIB_SHIM_H
#include <zlib.h>
static inline int aibom_inflate_init2(z_streamp strm, int window_bits) { return inflateInit2(strm, window_bits); }
#endif
