#!/bin/sh
# Entrypoint of the Falco {{ version }} container images: gets the driver with falco-driver-loader, then runs its
# arguments (falco by default). Run privileged with the host under HOST_ROOT, e.g.
#   docker run --privileged -v /:/host:ro -e HOST_ROOT=/host IMAGE
#
#   docker-entrypoint.sh [COMMAND...]              the falco image: the loader, then COMMAND (falco by default)
#   docker-entrypoint.sh --loader-only [OPTION...]  the falco-driver-loader image: the loader with OPTIONs, then exit
#   docker-entrypoint.sh usage                      how to run the image, and nothing else
#
#   SKIP_DRIVER_LOADER           non-empty: do not run the loader (the driver is loaded already, or not needed)
#   SKIP_MODULE_LOAD             the old name of SKIP_DRIVER_LOADER, still honoured with a warning
#   FALCO_BPF_PROBE              set, even empty: get the eBPF probe instead of the kernel module
#   FALCO_DRIVER_LOADER_OPTIONS  more options for the loader, e.g. --download
set -e

loader_only=
if [ "${1:-}" = --loader-only ]; then
	loader_only=1
	shift
fi
if [ "${1:-}" = usage ]; then exec usage; fi

# The host's kernel headers and driver sources, where DKMS and the probe build look for them.
link_host_sources() {
	if [ -n "${HOST_ROOT:-}" ]; then
		for source in "$HOST_ROOT"/usr/src/*; do
			if [ -e "$source" ] && [ ! -e "/usr/src/${source##*/}" ]; then
				ln -s "$source" "/usr/src/${source##*/}"
			fi
		done
	fi
}

if [ -n "$loader_only" ]; then
	link_host_sources
	exec falco-driver-loader "$@"
fi

if [ -n "${SKIP_MODULE_LOAD:-}" ]; then
	echo "docker-entrypoint: SKIP_MODULE_LOAD is deprecated; set SKIP_DRIVER_LOADER instead" >&2
	SKIP_DRIVER_LOADER="${SKIP_DRIVER_LOADER:-$SKIP_MODULE_LOAD}"
fi

if [ -z "${SKIP_DRIVER_LOADER:-}" ]; then
	link_host_sources
	driver=module
	if [ -n "${FALCO_BPF_PROBE+set}" ]; then driver=bpf; fi
	# shellcheck disable=SC2086 # the options are separate words
	if ! falco-driver-loader "$driver" ${FALCO_DRIVER_LOADER_OPTIONS:-}; then
		# Falco then says itself which driver it could not open.
		echo "docker-entrypoint: falco-driver-loader $driver failed; starting anyway" >&2
	fi
fi

if [ $# -eq 0 ]; then set -- /usr/bin/falco; fi
exec "$@"
