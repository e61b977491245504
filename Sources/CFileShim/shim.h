#ifndef FALCOPACK_CFILESHIM_H
#define FALCOPACK_CFILESHIM_H
#include <fcntl.h>

// renameat2 and RENAME_EXCHANGE are declared only under _GNU_SOURCE, which Swift's Glibc module is built without.
extern int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);

// Swaps two paths in one step (Linux 3.15 and later): a release folder replaced without a moment when it is absent.
static inline int fp_exchange(const char *a, const char *b) {
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, 1u << 1);
}

#endif
