package imaging

// stepAt is the step of spec s with every parameter at fraction f of its range.
func stepAt(s EditSpec, f float64) Step {
	st := Step{Edit: s.Name}
	if len(s.Params) > 0 {
		st.Params = map[string]float64{}
		for _, p := range s.Params {
			st.Params[p.Name] = p.Min + f*(p.Max-p.Min)
		}
	}
	return st
}
