#!/bin/sh
echo deb-only "$@"
