package conceptdirs

// DataError is a problem with the data folder itself: a missing root, a concept
// without prompt.txt, A/ or B/, images without partners or that do not decode. It
// is the user's to fix, like a mistake in an experiment file, so dnw exits with
// code 2 for it (BadInput).
type DataError struct{ err error }

func (e *DataError) Error() string { return e.err.Error() }
func (e *DataError) Unwrap() error { return e.err }

// BadInput marks the error as a mistake in what the user gave dnw.
func (e *DataError) BadInput() bool { return true }
