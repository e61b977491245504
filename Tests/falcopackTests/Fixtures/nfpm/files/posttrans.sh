#!/bin/sh
echo posttrans
