//go:build !purego

#include "textflag.h"

// func sumAVX2(x *float32, n int) float64
//
// Σ x[0:n'] in float64, n' = n rounded down to a multiple of 8: each value is widened
// to float64 and added into one of eight float64 lanes (two registers), so the sum
// keeps float64's precision and the additions of different lanes overlap.
TEXT ·sumAVX2(SB), NOSPLIT, $0-24
	MOVQ   x+0(FP), SI
	MOVQ   n+8(FP), CX
	XORQ   AX, AX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1

sumloop:
	LEAQ      8(AX), DX
	CMPQ      DX, CX
	JGT       sumdone
	VCVTPS2PD (SI)(AX*4), Y2
	VCVTPS2PD 16(SI)(AX*4), Y3
	VADDPD    Y2, Y0, Y0
	VADDPD    Y3, Y1, Y1
	MOVQ      DX, AX
	JMP       sumloop

sumdone:
	VADDPD       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	VZEROUPPER
	MOVSD        X0, ret+16(FP)
	RET

// func sumSquaredDevAVX2(x *float32, n int, mu float64) float64
//
// Σ (x[i] − mu)² over x[0:n'], n' as in sumAVX2, in float64 lanes.
TEXT ·sumSquaredDevAVX2(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD mu+16(FP), Y4
	XORQ         AX, AX
	VXORPD       Y0, Y0, Y0
	VXORPD       Y1, Y1, Y1

sqloop:
	LEAQ        8(AX), DX
	CMPQ        DX, CX
	JGT         sqdone
	VCVTPS2PD   (SI)(AX*4), Y2
	VCVTPS2PD   16(SI)(AX*4), Y3
	VSUBPD      Y4, Y2, Y2
	VSUBPD      Y4, Y3, Y3
	VFMADD231PD Y2, Y2, Y0
	VFMADD231PD Y3, Y3, Y1
	MOVQ        DX, AX
	JMP         sqloop

sqdone:
	VADDPD       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	VZEROUPPER
	MOVSD        X0, ret+24(FP)
	RET

// func affineAVX2(dst, x *float32, n int, scale, shift float32)
//
// dst[i] = x[i]·scale + shift for i < n', n' as in sumAVX2.
TEXT ·affineAVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS scale+24(FP), Y4
	VBROADCASTSS shift+28(FP), Y5
	XORQ         AX, AX

affloop:
	LEAQ        8(AX), DX
	CMPQ        DX, CX
	JGT         affdone
	VMOVUPS     (SI)(AX*4), Y0
	VFMADD213PS Y5, Y4, Y0
	VMOVUPS     Y0, (DI)(AX*4)
	MOVQ        DX, AX
	JMP         affloop

affdone:
	VZEROUPPER
	RET
