#ifndef FALCOPACK_CARCHIVESHIM_H
#define FALCOPACK_CARCHIVESHIM_H
#include <archive.h>
#include <archive_entry.h>

// The AE_IF* file types are macros with casts, which Swift does not import.
static const unsigned int fp_AE_IFREG = AE_IFREG;
static const unsigned int fp_AE_IFDIR = AE_IFDIR;
static const unsigned int fp_AE_IFLNK = AE_IFLNK;

#endif
