//go:build !purego

#include "textflag.h"

// Poly1305 over 8 blocks at a time with AVX-512 IFMA: one block per
// 64-bit lane of a ZMM register, numbers mod p = 2^130-5 in three limbs
// of 44, 44 and 42 bits (h = h0 + h1<<44 + h2<<88), products by
// VPMADD52LUQ and VPMADD52HUQ (the low and high 52 bits of a 52x52-bit
// product, added to a 64-bit lane).
//
// func poly1305BlocksIFMA(h *[3]uint64, msg *byte, strides int, r *[3]uint64)
//
// Takes strides*128 bytes of msg (strides >= 1) as 8*strides full blocks
// c_1..c_n, from an accumulator of 0, and writes to h, as three limbs of
// 44, 44 and 42 bits (each below 2^48, not reduced), a number equal mod p
// to the accumulator Poly1305 has after them: the sum of c_i * r^(n-i+1).
// r holds the clamped r in limbs of 44, 44 and 36 bits.
//
// Lane k takes the blocks 8t+j(k)+1, t = 0, 1, ..., with j(k) = k/2 +
// 4*(k%2) (the order VPUNPCKLQDQ and VPUNPCKHQDQ leave the blocks of two
// 64-byte loads in): A_k = (A_k + c)*r^8 for every stride but the last,
// and (A_k + c)*r^(8-j(k)) for the last; the sum of the lanes is then the
// accumulator.
//
// The lanes' powers, r^8, r^4, r^7, r^3, r^6, r^2, r^5, r^1, are made
// here in three rounds of vector products: r^(e-1) in binary, the lanes
// with a bit set are multiplied by r, r^2 and r^4 in turn (the first
// round a blend of r and r^2), while r^2, r^4 and r^8 are squared
// alongside.
//
// The product of a and b mod p, limbs of weight 2^0, 2^44, 2^88, with
// 2^132 = 20 mod p:
//	d0 = a0*b0 + a1*20*b2 + a2*20*b1
//	d1 = a0*b1 + a1*b0    + a2*20*b2
//	d2 = a0*b2 + a1*b1    + a2*b0
// Each product's low 52 bits go to Lx, its high ones (weight 2^52 more)
// to Hx; then d0 = L0 + 5*2^10*H2 (2^140 = 5*2^10 mod p), d1 = L1 +
// H0<<8, d2 = L2 + H1<<8, and a carry from each limb into the next (the
// top one's, of weight 2^130, times 5 into the first) brings the limbs
// back to about 44, 44 and 42 bits.
//
// Bounds: after a carry the limbs are below 2^44+2^16, 2^44+2^11 and
// 2^42+2^11, so an accumulator's are below 2^45, 2^45 and 2^43 once a
// block (44, 44 and 41 bits) is added; a multiplier's (r, or a power of
// r after a carry) below 2^44+2^16, 2^44+2^11, 2^42+2^11, and 20 times
// the top two below 2^48.4 and 2^46.4: every IFMA input is below 2^52,
// every L below 3*2^52, every H below 2^41, every d below 2^54, every
// carry below 2^13.
//
// For long messages a second accumulator (lanes of blocks 16t+8+j(k)+1)
// runs beside the first, both multiplied by r^16 a 256-byte stride, so
// that two independent chains of multiplications hide each other's
// latency; the last pair of strides folds the second into the first (A =
// (A + c)*r^8, then A = (A + B + c')*r^8), which leaves A as the one
// accumulator would be, and the last one or two strides go on with it.
//
// Registers:
//	AX, DI	r, h
//	SI	msg: advances 128 bytes a stride
//	CX	strides, then the one or two left after the pairs
//	DX	pairs of strides left (and scratch before)
//	R8	scratch
//	Z0-Z2	the accumulator's limbs
//	Z21-Z23	the second accumulator's limbs
//	Z3-Z7	r^8: r0, r1, r2, 20*r1, 20*r2 in every lane
//	Z24-Z26	the lanes' powers r^(8-j(k)) (20 times limbs 1 and 2 made
//		at the end, in Z27 and Z28)
//	Z27-Z31	r^16 like r^8
//	Z8	2^44-1 in every lane
//	Z9	2^42-1
//	Z10	2^40, the 2^128 bit of a block in its top limb
//	Z11-Z16	L0, L1, L2, H0, H1, H2
//	Z17-Z20	temporaries
//	K1-K3	the lanes whose power has bit 0, 1, 2 of e-1 set
// While the powers are made, Z0-Z2, Z21-Z23 and Z27-Z31 hold r^2, r^4
// and the multipliers of the rounds.

// ADDMSG adds the 8 blocks at off(SI) to the accumulator a0, a1, a2.
#define ADDMSG(off, a0, a1, a2) \
	VMOVDQU64   off(SI), Z17; \
	VMOVDQU64   off+64(SI), Z18; \
	VPUNPCKLQDQ Z18, Z17, Z19; \
	VPUNPCKHQDQ Z18, Z17, Z20; \
	VPANDQ      Z8, Z19, Z17; \
	VPSRLQ      $44, Z19, Z19; \
	VPSLLQ      $20, Z20, Z18; \
	VPTERNLOGQ  $0xa8, Z8, Z18, Z19; \
	VPSRLQ      $24, Z20, Z20; \
	VPORQ       Z10, Z20, Z20; \
	VPADDQ      Z17, a0, a0; \
	VPADDQ      Z19, a1, a1; \
	VPADDQ      Z20, a2, a2

// MUL sets the accumulator a0, a1, a2 to itself times (b0, b1, b2,
// 20*b1, 20*b2), with one carry.
#define MUL(a0, a1, a2, b0, b1, b2, s1, s2) \
	VPXORQ      Z11, Z11, Z11; \
	VPXORQ      Z12, Z12, Z12; \
	VPXORQ      Z13, Z13, Z13; \
	VPXORQ      Z14, Z14, Z14; \
	VPXORQ      Z15, Z15, Z15; \
	VPXORQ      Z16, Z16, Z16; \
	VPMADD52LUQ b0, a0, Z11; \
	VPMADD52HUQ b0, a0, Z14; \
	VPMADD52LUQ b1, a0, Z12; \
	VPMADD52HUQ b1, a0, Z15; \
	VPMADD52LUQ b2, a0, Z13; \
	VPMADD52HUQ b2, a0, Z16; \
	VPMADD52LUQ s2, a1, Z11; \
	VPMADD52HUQ s2, a1, Z14; \
	VPMADD52LUQ b0, a1, Z12; \
	VPMADD52HUQ b0, a1, Z15; \
	VPMADD52LUQ b1, a1, Z13; \
	VPMADD52HUQ b1, a1, Z16; \
	VPMADD52LUQ s1, a2, Z11; \
	VPMADD52HUQ s1, a2, Z14; \
	VPMADD52LUQ s2, a2, Z12; \
	VPMADD52HUQ s2, a2, Z15; \
	VPMADD52LUQ b0, a2, Z13; \
	VPMADD52HUQ b0, a2, Z16; \
	VPSLLQ      $8, Z14, Z14; \
	VPSLLQ      $8, Z15, Z15; \
	VPSLLQ      $10, Z16, Z17; \
	VPSLLQ      $12, Z16, Z16; \
	VPADDQ      Z14, Z12, Z12; \
	VPADDQ      Z15, Z13, Z13; \
	VPADDQ      Z17, Z11, Z11; \
	VPADDQ      Z16, Z11, Z11; \
	VPSRLQ      $44, Z11, Z17; \
	VPSRLQ      $44, Z12, Z18; \
	VPSRLQ      $42, Z13, Z19; \
	VPANDQ      Z8, Z11, a0; \
	VPANDQ      Z8, Z12, a1; \
	VPANDQ      Z9, Z13, a2; \
	VPSLLQ      $2, Z19, Z20; \
	VPADDQ      Z17, a1, a1; \
	VPADDQ      Z18, a2, a2; \
	VPADDQ      Z19, a0, a0; \
	VPADDQ      Z20, a0, a0

// TIMES20 sets d to 20*x (16x + 4x), with Z17 as scratch.
#define TIMES20(x, d) \
	VPSLLQ $2, x, Z17; \
	VPSLLQ $4, x, d; \
	VPADDQ Z17, d, d

// COPY3 copies three registers.
#define COPY3(x0, x1, x2, d0, d1, d2) \
	VMOVDQA64 x0, d0; \
	VMOVDQA64 x1, d1; \
	VMOVDQA64 x2, d2

// SELECT sets Z27-Z31 to the multiplier (x0, x1, x2, s1, s2) in the lanes
// of k and to 1 in the others.
#define SELECT(k, x0, x1, x2, s1, s2) \
	VMOVDQA64   Z19, Z27; \
	VMOVDQA64   x0, k, Z27; \
	VMOVDQA64.Z x1, k, Z28; \
	VMOVDQA64.Z x2, k, Z29; \
	VMOVDQA64.Z s1, k, Z30; \
	VMOVDQA64.Z s2, k, Z31

// HSUM sets the low 64 bits of X(z) to the sum of the 8 lanes of Z(z),
// with Z11 as scratch.
#define HSUM(z, y, x) \
	VEXTRACTI64X4 $1, z, Y11; \
	VPADDQ        Y11, y, y; \
	VEXTRACTI128  $1, y, X11; \
	VPADDQ        X11, x, x; \
	VPSHUFD       $0x4e, x, X11; \
	VPADDQ        X11, x, x

TEXT ·poly1305BlocksIFMA(SB), NOSPLIT, $0-32
	MOVQ h+0(FP), DI
	MOVQ msg+8(FP), SI
	MOVQ strides+16(FP), CX
	MOVQ r+24(FP), AX

	MOVQ         $0xfffffffffff, DX
	VPBROADCASTQ DX, Z8
	MOVQ         $0x3ffffffffff, DX
	VPBROADCASTQ DX, Z9
	MOVQ         $0x10000000000, DX
	VPBROADCASTQ DX, Z10

	// The lanes' exponents less one are 7, 3, 6, 2, 5, 1, 4, 0.
	MOVQ  $0x33, DX
	KMOVW DX, K1
	MOVQ  $0x0f, DX
	KMOVW DX, K2
	MOVQ  $0x55, DX
	KMOVW DX, K3

	// r in Z24-Z26, 20 times its top limbs in Z6, Z7.
	VPBROADCASTQ 0(AX), Z24
	VPBROADCASTQ 8(AX), Z25
	VPBROADCASTQ 16(AX), Z26
	TIMES20(Z25, Z6)
	TIMES20(Z26, Z7)

	// r^2 in Z0-Z2; Z24-Z26 become r^2 in the lanes of K1.
	COPY3(Z24, Z25, Z26, Z0, Z1, Z2)
	MUL(Z0, Z1, Z2, Z24, Z25, Z26, Z6, Z7)
	VMOVDQA64 Z0, K1, Z24
	VMOVDQA64 Z1, K1, Z25
	VMOVDQA64 Z2, K1, Z26
	TIMES20(Z1, Z6)
	TIMES20(Z2, Z7)

	// r^4 = r^2 * r^2 in Z21-Z23; the lanes of K2 times r^2. Z19: 1.
	COPY3(Z0, Z1, Z2, Z21, Z22, Z23)
	MUL(Z21, Z22, Z23, Z0, Z1, Z2, Z6, Z7)
	MOVQ         $1, DX
	VPBROADCASTQ DX, Z19
	SELECT(K2, Z0, Z1, Z2, Z6, Z7)
	MUL(Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	TIMES20(Z22, Z6)
	TIMES20(Z23, Z7)

	// r^8 = r^4 * r^4 in Z3-Z7; the lanes of K3 times r^4.
	COPY3(Z21, Z22, Z23, Z3, Z4, Z5)
	MUL(Z3, Z4, Z5, Z21, Z22, Z23, Z6, Z7)
	MOVQ         $1, DX
	VPBROADCASTQ DX, Z19
	SELECT(K3, Z21, Z22, Z23, Z6, Z7)
	MUL(Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	TIMES20(Z4, Z6)
	TIMES20(Z5, Z7)

	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2

	// Fewer than 3 strides: the one accumulator.
	CMPQ CX, $3
	JLT  single

	// r^16 = r^8 * r^8 in Z27-Z31.
	COPY3(Z3, Z4, Z5, Z27, Z28, Z29)
	MUL(Z27, Z28, Z29, Z3, Z4, Z5, Z6, Z7)
	TIMES20(Z28, Z30)
	TIMES20(Z29, Z31)

	VPXORQ Z21, Z21, Z21
	VPXORQ Z22, Z22, Z22
	VPXORQ Z23, Z23, Z23

	// DX: the pairs of strides for the two accumulators, but the last;
	// CX: the one or two strides left after the pairs.
	MOVQ CX, DX
	DECQ DX
	SHRQ $1, DX
	LEAQ (DX)(DX*1), R8
	SUBQ R8, CX
	DECQ DX
	JZ   fold

pairs:
	ADDMSG(0, Z0, Z1, Z2)
	ADDMSG(128, Z21, Z22, Z23)
	MUL(Z0, Z1, Z2, Z27, Z28, Z29, Z30, Z31)
	MUL(Z21, Z22, Z23, Z27, Z28, Z29, Z30, Z31)
	ADDQ $256, SI
	DECQ DX
	JNZ  pairs

fold:
	ADDMSG(0, Z0, Z1, Z2)
	MUL(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	VPADDQ Z21, Z0, Z0
	VPADDQ Z22, Z1, Z1
	VPADDQ Z23, Z2, Z2
	ADDMSG(128, Z0, Z1, Z2)
	MUL(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	ADDQ $256, SI

single:
	DECQ CX
	JZ   last

loop:
	ADDMSG(0, Z0, Z1, Z2)
	MUL(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	ADDQ $128, SI
	DECQ CX
	JNZ  loop

last:
	ADDMSG(0, Z0, Z1, Z2)
	TIMES20(Z25, Z27)
	TIMES20(Z26, Z28)
	MUL(Z0, Z1, Z2, Z24, Z25, Z26, Z27, Z28)

	HSUM(Z0, Y0, X0)
	HSUM(Z1, Y1, X1)
	HSUM(Z2, Y2, X2)
	VMOVQ X0, 0(DI)
	VMOVQ X1, 8(DI)
	VMOVQ X2, 16(DI)
	VZEROUPPER
	RET
