package geo

import "math"

// Geodesics on the WGS84 ellipsoid by Vincenty's formulae (T. Vincenty,
// "Direct and inverse solutions of geodesics on the ellipsoid with
// application of nested equations", Survey Review 23(176), 1975). They are
// accurate to well under a millimetre; the inverse fails to converge only for
// nearly antipodal points, which cannot occur at the scale of one country
// (there it falls back to the spherical answer).

const (
	vincentyB     = wgs84A * (1 - wgs84F) // semi-minor axis, metres
	vincentyMaxIt = 200
	vincentyEps   = 1e-12
	degToRad      = math.Pi / 180
	radToDeg      = 180 / math.Pi
	metresPerKm   = 1000.0
)

// DistanceKm returns the length in km of the shortest path on the WGS84
// ellipsoid between two lon/lat points.
func DistanceKm(lon1, lat1, lon2, lat2 float64) float64 {
	s, _, _ := inverse(lon1, lat1, lon2, lat2)
	return s / metresPerKm
}

// Destination returns the point reached by travelling km along the geodesic
// that leaves (lon, lat) at the given azimuth (degrees clockwise from north).
func Destination(lon, lat, azimuthDeg, km float64) (lon2, lat2 float64) {
	return direct(lon, lat, azimuthDeg, km*metresPerKm)
}

// Azimuth returns the initial azimuth in degrees (clockwise from north) of
// the geodesic from the first point to the second.
func Azimuth(lon1, lat1, lon2, lat2 float64) float64 {
	_, az1, _ := inverse(lon1, lat1, lon2, lat2)
	return az1
}

// inverse returns the geodesic distance in metres and the azimuths in degrees
// at both ends (the final one in the direction of travel).
func inverse(lon1, lat1, lon2, lat2 float64) (s, az1, az2 float64) {
	if lon1 == lon2 && lat1 == lat2 {
		return 0, 0, 0
	}
	a, b, f := wgs84A, vincentyB, wgs84F
	L := (lon2 - lon1) * degToRad
	U1 := math.Atan((1 - f) * math.Tan(lat1*degToRad))
	U2 := math.Atan((1 - f) * math.Tan(lat2*degToRad))
	sinU1, cosU1 := math.Sincos(U1)
	sinU2, cosU2 := math.Sincos(U2)
	lambda := L
	var sinSigma, cosSigma, sigma, cosSqAlpha, cos2SigmaM, sinLambda, cosLambda float64
	converged := false
	for i := 0; i < vincentyMaxIt; i++ {
		sinLambda, cosLambda = math.Sincos(lambda)
		t1 := cosU2 * sinLambda
		t2 := cosU1*sinU2 - sinU1*cosU2*cosLambda
		sinSigma = math.Sqrt(t1*t1 + t2*t2)
		if sinSigma == 0 {
			return 0, 0, 0
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosLambda
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinLambda / sinSigma
		cosSqAlpha = 1 - sinAlpha*sinAlpha
		if cosSqAlpha != 0 {
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cosSqAlpha
		} else {
			cos2SigmaM = 0 // equatorial line
		}
		C := f / 16 * cosSqAlpha * (4 + f*(4-3*cosSqAlpha))
		prev := lambda
		lambda = L + (1-C)*f*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < vincentyEps {
			converged = true
			break
		}
	}
	if !converged {
		// nearly antipodal: spherical fallback on the authalic-like mean radius
		const r = 6371008.8
		phi1, phi2 := lat1*degToRad, lat2*degToRad
		d := math.Acos(math.Max(-1, math.Min(1, math.Sin(phi1)*math.Sin(phi2)+math.Cos(phi1)*math.Cos(phi2)*math.Cos(L))))
		return r * d, 0, 0
	}
	uSq := cosSqAlpha * (a*a - b*b) / (b * b)
	A := 1 + uSq/16384*(4096+uSq*(-768+uSq*(320-175*uSq)))
	B := uSq / 1024 * (256 + uSq*(-128+uSq*(74-47*uSq)))
	deltaSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
		B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
	s = b * A * (sigma - deltaSigma)
	az1 = math.Atan2(cosU2*sinLambda, cosU1*sinU2-sinU1*cosU2*cosLambda) * radToDeg
	az2 = math.Atan2(cosU1*sinLambda, -sinU1*cosU2+cosU1*sinU2*cosLambda) * radToDeg
	return s, az1, az2
}

// direct solves Vincenty's direct problem: start, azimuth (degrees), distance (m).
func direct(lon, lat, azDeg, s float64) (float64, float64) {
	if s == 0 {
		return lon, lat
	}
	a, b, f := wgs84A, vincentyB, wgs84F
	sinAlpha1, cosAlpha1 := math.Sincos(azDeg * degToRad)
	tanU1 := (1 - f) * math.Tan(lat*degToRad)
	cosU1 := 1 / math.Sqrt(1+tanU1*tanU1)
	sinU1 := tanU1 * cosU1
	sigma1 := math.Atan2(tanU1, cosAlpha1)
	sinAlpha := cosU1 * sinAlpha1
	cosSqAlpha := 1 - sinAlpha*sinAlpha
	uSq := cosSqAlpha * (a*a - b*b) / (b * b)
	A := 1 + uSq/16384*(4096+uSq*(-768+uSq*(320-175*uSq)))
	B := uSq / 1024 * (256 + uSq*(-128+uSq*(74-47*uSq)))
	sigma := s / (b * A)
	var sinSigma, cosSigma, cos2SigmaM float64
	for i := 0; i < vincentyMaxIt; i++ {
		cos2SigmaM = math.Cos(2*sigma1 + sigma)
		sinSigma, cosSigma = math.Sincos(sigma)
		deltaSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
			B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
		prev := sigma
		sigma = s/(b*A) + deltaSigma
		if math.Abs(sigma-prev) < vincentyEps {
			break
		}
	}
	sinSigma, cosSigma = math.Sincos(sigma)
	cos2SigmaM = math.Cos(2*sigma1 + sigma)
	tmp := sinU1*sinSigma - cosU1*cosSigma*cosAlpha1
	lat2 := math.Atan2(sinU1*cosSigma+cosU1*sinSigma*cosAlpha1, (1-f)*math.Sqrt(sinAlpha*sinAlpha+tmp*tmp))
	lambda := math.Atan2(sinSigma*sinAlpha1, cosU1*cosSigma-sinU1*sinSigma*cosAlpha1)
	C := f / 16 * cosSqAlpha * (4 + f*(4-3*cosSqAlpha))
	L := lambda - (1-C)*f*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
	return lon + L*radToDeg, lat2 * radToDeg
}
