package imaging

// stepAt is the step of spec s at fraction f of its strength: each strength parameter
// f of the way from its weakest end to its strongest, each variant parameter mid-range.
func stepAt(s EditSpec, f float64) Step {
	st := Step{Edit: s.Name}
	if len(s.Params) > 0 {
		st.Params = map[string]float64{}
		for _, p := range s.Params {
			g := f
			switch p.Grows {
			case Down:
				g = 1 - f
			case Variant:
				g = 0.5
			}
			st.Params[p.Name] = p.Min + g*(p.Max-p.Min)
		}
	}
	return st
}
