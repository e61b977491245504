/*
 * A stand-in for a Go program of the Falco family (falcoctl, falcosidekick, falco-exporter), linked statically as
 * Go links them, so that the example specs in Specs/examples build and run without those projects' builds.
 */
#include <stdio.h>
#include <string.h>

#if !defined(TOOL_NAME) || !defined(TOOL_VERSION)
#error "build with -DTOOL_NAME='\"name\"' -DTOOL_VERSION='\"x.y.z\"'"
#endif

int main(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)) {
		printf("%s version %s (stand-in)\n", TOOL_NAME, TOOL_VERSION);
		return 0;
	}
	fprintf(stderr, "%s %s: this is the falcopack example stand-in; try --version\n", TOOL_NAME, TOOL_VERSION);
	return 1;
}
