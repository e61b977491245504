#!/bin/sh
echo preremove "$@"
