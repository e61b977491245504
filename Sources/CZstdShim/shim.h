#ifndef FALCOPACK_CZSTDSHIM_H
#define FALCOPACK_CZSTDSHIM_H
#include <zstd.h>
#include <zstd_errors.h>
#endif
