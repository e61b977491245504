#ifndef FALCOPACK_CLZMASHIM_H
#define FALCOPACK_CLZMASHIM_H
#include <lzma.h>

// LZMA_STREAM_INIT is an initializer-list macro.
static inline lzma_stream fp_lzma_stream_init(void) {
    lzma_stream strm = LZMA_STREAM_INIT;
    return strm;
}

// These constants are macros built from casts or UINT*_C(), which Swift does not import.
static const uint32_t fp_LZMA_PRESET_EXTREME = LZMA_PRESET_EXTREME;
static const uint32_t fp_LZMA_CONCATENATED = LZMA_CONCATENATED;
static const lzma_vli fp_LZMA_VLI_UNKNOWN = LZMA_VLI_UNKNOWN;
static const lzma_vli fp_LZMA_FILTER_LZMA2 = LZMA_FILTER_LZMA2;

// lzma_block_header_size_decode is a function-like macro.
static inline uint32_t fp_lzma_block_header_size_decode(uint8_t b) {
    return lzma_block_header_size_decode(b);
}

#endif
