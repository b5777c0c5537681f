//go:build !purego

#include "textflag.h"

// Constants of kernels.exp32Scalar (kernels/fastmath.go), eight copies each: one
// YMM register's worth, so that the arithmetic can take them straight from memory.
#define EIGHT(name, bits) \
	DATA name<>+0(SB)/4, $bits; DATA name<>+4(SB)/4, $bits; \
	DATA name<>+8(SB)/4, $bits; DATA name<>+12(SB)/4, $bits; \
	DATA name<>+16(SB)/4, $bits; DATA name<>+20(SB)/4, $bits; \
	DATA name<>+24(SB)/4, $bits; DATA name<>+28(SB)/4, $bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

EIGHT(expLo, 0xc2ae0000)    // −87
EIGHT(expHi, 0x42b00000)    // 88
EIGHT(expLog2e, 0x3fb8aa3b) // log₂e
EIGHT(expLn2Hi, 0x3f318000) // 0.693359375
EIGHT(expLn2Lo, 0xb95e8083) // −2.12194440e-4
EIGHT(expP0, 0x39506967)    // 1.9875691500e-4
EIGHT(expP1, 0x3ab743ce)    // 1.3981999507e-3
EIGHT(expP2, 0x3c088908)    // 8.3334519073e-3
EIGHT(expP3, 0x3d2aa9c1)    // 4.1665795894e-2
EIGHT(expP4, 0x3e2aaaaa)    // 1.6666665459e-1
EIGHT(expP5, 0x3f000000)    // 5.0000001201e-1
EIGHT(expOne, 0x3f800000)   // 1
EIGHT(expBias, 0x0000007f)  // 127, the float32 exponent bias, as int32

// Constants of kernels.phi32Scalar: 1/√2, ½, the mask that clears the sign bit, and
// the coefficients of Numerical Recipes' erfc.
EIGHT(phiRsqrt2, 0x3f3504f3)
EIGHT(phiHalf, 0x3f000000)
EIGHT(phiAbs, 0x7fffffff)
EIGHT(phiC0, 0x3e2ef945) // 0.17087277
EIGHT(phiC1, 0xbf527892) // −0.82215223
EIGHT(phiC2, 0x3fbe87b0) // 1.48851587
EIGHT(phiC3, 0xbf914e5d) // −1.13520398
EIGHT(phiC4, 0x3e8ec7cc) // 0.27886807
EIGHT(phiC5, 0xbe3ec24c) // −0.18628806
EIGHT(phiC6, 0x3dc636c9) // 0.09678418
EIGHT(phiC7, 0x3ebf88fb) // 0.37409196
EIGHT(phiC8, 0x3f8000c7) // 1.00002368
EIGHT(phiC9, 0xbfa1fc4e) // −1.26551223

// EXP sets Y2 = e^Y0 for Y0 in [−87, 88], as kernels.exp32Scalar does it, using Y1
// and Y3 as scratch and overwriting Y0: n = round(x·log₂e) in Y1, r = x − n·ln2Hi −
// n·ln2Lo in Y0, the polynomial p(r) in Y2, e^r = p·r² + r + 1, times 2ⁿ built in
// the exponent bits.
#define EXP \
	VMULPS       expLog2e<>(SB), Y0, Y1; \
	VROUNDPS     $0, Y1, Y1;             \
	VFNMADD231PS expLn2Hi<>(SB), Y1, Y0; \
	VFNMADD231PS expLn2Lo<>(SB), Y1, Y0; \
	VMOVUPS      expP0<>(SB), Y2;        \
	VFMADD213PS  expP1<>(SB), Y0, Y2;    \
	VFMADD213PS  expP2<>(SB), Y0, Y2;    \
	VFMADD213PS  expP3<>(SB), Y0, Y2;    \
	VFMADD213PS  expP4<>(SB), Y0, Y2;    \
	VFMADD213PS  expP5<>(SB), Y0, Y2;    \
	VMULPS       Y0, Y0, Y3;             \
	VFMADD213PS  Y0, Y3, Y2;             \
	VADDPS       expOne<>(SB), Y2, Y2;   \
	VCVTPS2DQ    Y1, Y1;                 \
	VPADDD       expBias<>(SB), Y1, Y1;  \
	VPSLLD       $23, Y1, Y1;            \
	VMULPS       Y1, Y2, Y2

// INRANGE jumps to done unless every value of Y0 lies in [−87, 88] (x ≥ −87 and
// x ≤ 88; ordered compares are false for NaN), using Y1, Y2 and BX.
#define INRANGE \
	VCMPPS    $0x1d, expLo<>(SB), Y0, Y1; \
	VCMPPS    $0x12, expHi<>(SB), Y0, Y2; \
	VANDPS    Y1, Y2, Y1;                 \
	VMOVMSKPS Y1, BX;                     \
	CMPQ      BX, $0xff;                  \
	JNE       done

// func expAVX2(dst, x *float32, n int) int
//
// e^x for x[0:n] into dst, eight at a time; it stops before the first group of eight
// that holds a value outside [−87, 88] or a NaN, or has fewer than eight values
// left, and returns how many it wrote.
TEXT ·expAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX

loop:
	LEAQ    8(AX), DX
	CMPQ    DX, CX
	JGT     done
	VMOVUPS (SI)(AX*4), Y0
	INRANGE
	EXP
	VMOVUPS Y2, (DI)(AX*4)
	MOVQ    DX, AX
	JMP     loop

done:
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET

// func sigmoidAVX2(dst, x *float32, n int) int
//
// σ(x) = 1/(1 + e^−x) for x[0:n] into dst, eight at a time, under expAVX2's
// conditions on −x.
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX
	VXORPS Y4, Y4, Y4 // zero, for the negation

loop:
	LEAQ    8(AX), DX
	CMPQ    DX, CX
	JGT     done
	VMOVUPS (SI)(AX*4), Y0
	VSUBPS  Y0, Y4, Y0 // −x
	INRANGE
	EXP
	VADDPS  expOne<>(SB), Y2, Y2
	VMOVUPS expOne<>(SB), Y3
	VDIVPS  Y2, Y3, Y2 // 1/(1 + e^−x)
	VMOVUPS Y2, (DI)(AX*4)
	MOVQ    DX, AX
	JMP     loop

done:
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET

// func phiAVX2(dst, x *float32, n int) int
//
// Φ(x) = erfc(−x/√2)/2 for x[0:n] into dst, eight at a time, as kernels.phi32Scalar
// computes it: with z = |x|/√2 and t = 1/(1 + z/2), erfc(z) = t·e^(p(t) − z²), and
// Φ(x) = erfc(z)/2 for x ≤ 0, 1 − erfc(z)/2 for x > 0. It stops before the first
// group of eight whose exponent p(t) − z² is outside [−87, 88] or NaN (|x| above
// about 13, or a NaN).
TEXT ·phiAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX

loop:
	LEAQ         8(AX), DX
	CMPQ         DX, CX
	JGT          done
	VMOVUPS      (SI)(AX*4), Y7
	VMULPS       phiRsqrt2<>(SB), Y7, Y5
	VANDPS       phiAbs<>(SB), Y5, Y5    // z
	VMULPS       phiHalf<>(SB), Y5, Y6
	VADDPS       expOne<>(SB), Y6, Y6
	VMOVUPS      expOne<>(SB), Y4
	VDIVPS       Y6, Y4, Y6              // t
	VMOVUPS      phiC0<>(SB), Y0
	VFMADD213PS  phiC1<>(SB), Y6, Y0
	VFMADD213PS  phiC2<>(SB), Y6, Y0
	VFMADD213PS  phiC3<>(SB), Y6, Y0
	VFMADD213PS  phiC4<>(SB), Y6, Y0
	VFMADD213PS  phiC5<>(SB), Y6, Y0
	VFMADD213PS  phiC6<>(SB), Y6, Y0
	VFMADD213PS  phiC7<>(SB), Y6, Y0
	VFMADD213PS  phiC8<>(SB), Y6, Y0
	VFMADD213PS  phiC9<>(SB), Y6, Y0
	VFNMADD231PS Y5, Y5, Y0              // p(t) − z²
	INRANGE
	EXP
	VMULPS       Y6, Y2, Y2
	VMULPS       phiHalf<>(SB), Y2, Y2   // erfc(z)/2
	VMOVUPS      expOne<>(SB), Y3
	VSUBPS       Y2, Y3, Y3              // 1 − erfc(z)/2
	VXORPS       Y4, Y4, Y4
	VCMPPS       $0x1e, Y4, Y7, Y1       // x > 0
	VBLENDVPS    Y1, Y3, Y2, Y2
	VMOVUPS      Y2, (DI)(AX*4)
	MOVQ         DX, AX
	JMP          loop

done:
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET

// func siluAVX2(dst, x *float32, n int) int
//
// x·σ(x) for x[0:n] into dst, eight at a time, under sigmoidAVX2's conditions.
TEXT ·siluAVX2(SB), NOSPLIT, $0-32
	MOVQ   dst+0(FP), DI
	MOVQ   x+8(FP), SI
	MOVQ   n+16(FP), CX
	XORQ   AX, AX
	VXORPS Y4, Y4, Y4

loop:
	LEAQ    8(AX), DX
	CMPQ    DX, CX
	JGT     done
	VMOVUPS (SI)(AX*4), Y7
	VSUBPS  Y7, Y4, Y0
	INRANGE
	EXP
	VADDPS  expOne<>(SB), Y2, Y2
	VDIVPS  Y2, Y7, Y2 // x/(1 + e^−x)
	VMOVUPS Y2, (DI)(AX*4)
	MOVQ    DX, AX
	JMP     loop

done:
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET
