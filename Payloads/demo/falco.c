/*
 * A stand-in for the falco binary, so that the demo release can be built and installed without a Falco build.
 * It is not Falco: it only reports the versions compiled into it. Package a real build with --falco-bin PATH.
 */
#include <stdio.h>
#include <string.h>

#ifndef FALCO_VERSION
#error "build with -DFALCO_VERSION='\"x.y.z\"'"
#endif
#ifndef DRIVER_VERSION
#error "build with -DDRIVER_VERSION='\"...\"'"
#endif

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("Falco version: %s (stand-in)\n", FALCO_VERSION);
		printf("Driver version: %s\n", DRIVER_VERSION);
		return 0;
	}
	fprintf(stderr, "falco %s: this is the falcopack demo stand-in, not Falco; try --version\n", FALCO_VERSION);
	return 1;
}
