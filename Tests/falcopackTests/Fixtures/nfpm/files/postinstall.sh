#!/bin/sh
echo postinstall "$@"
