package bench

import "errors"

// Missing is the error of "LAB bench" in a lab built without the benchmark
// (without -tags bench): the benchmark costs each lab two to four pages of
// binary, more than the labs' 1.6 MB budget leaves.
func Missing(name string) error {
	return errors.New("bench is not built in: build " + name + " with -tags bench (make bench-build)")
}
