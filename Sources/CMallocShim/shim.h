#ifndef FALCOPACK_CMALLOCSHIM_H
#define FALCOPACK_CMALLOCSHIM_H
#include <malloc.h>

// glibc's malloc tuning (mallopt and its M_* parameters) is in malloc.h, which Swift's Glibc module leaves out.
static const int fp_M_MMAP_THRESHOLD = M_MMAP_THRESHOLD;

#endif
