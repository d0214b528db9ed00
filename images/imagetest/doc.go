// Package imagetest holds the tests of the image build itself
// (images/build.sh): none of its code ships.
package imagetest
