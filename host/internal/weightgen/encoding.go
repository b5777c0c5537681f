package weightgen

import "math"

// SinEnc writes the sinusoidal encoding of pos into dst (len d, even), as the
// transformer's positional encoding (Vaswani et al. 2017) and DDPM's timestep
// embedding: dst[2i] = sin(pos/10000^(2i/d)), dst[2i+1] = cos(pos/10000^(2i/d)).
// The paper encodes the chunk index n this way (Gong et al., ECCV 2024).
func SinEnc(dst []float32, pos float64) {
	d := len(dst)
	for i := 0; i < d/2; i++ {
		a := pos / math.Pow(10000, float64(2*i)/float64(d))
		dst[2*i], dst[2*i+1] = float32(math.Sin(a)), float32(math.Cos(a))
	}
}

// oneHot writes the one-hot vector of n into dst: the learned block index's input.
func oneHot(dst []float32, n int) {
	clear(dst)
	dst[n] = 1
}

// positionInput is the denoiser's position input for chunks of b weights, (P, 1, b)
// channel-major: channel c at position j is SinEnc(j, P)[c].
func positionInput(b int) []float32 {
	out, enc := make([]float32, positionChannels*b), make([]float32, positionChannels)
	for j := range b {
		SinEnc(enc, float64(j))
		for c, v := range enc {
			out[c*b+j] = v
		}
	}
	return out
}
