/**
 * How the gates read the marketplaces' words as numbers. The marketplaces publish rules in prose ("pure white",
 * "centred", "no text", "3 MB"); each constant here is one reading, with the reason for it. Where a rule is
 * ambiguous we take the stricter reading: a gate that passes an image the marketplace then rejects costs a
 * listing, one that fails a borderline image costs a re-render.
 */

// — file size —
// Neither Taobao nor Pinduoduo says whether a "KB"/"MB" is 1000 or 1024 bytes. An upper bound is stricter in
// decimal units, a lower bound in binary ones, so each bound takes the stricter unit.
/** An upper bound's kilobyte. */
export const upperKiloBytes = 1000;
/** An upper bound's megabyte. */
export const upperMegaBytes = 1000 * 1000;
/** A lower bound's kilobyte. */
export const lowerKiloBytes = 1024;

// — background —
/**
 * "Pure white" is RGB (255, 255, 255) exactly, as Amazon writes it, and we hold JPEGs to it too: a flat 255 region
 * survives JPEG encoding as exactly 255 (measured with libjpeg-turbo and mozjpeg at quality 30–95, 4:2:0 and 4:4:4:
 * every border pixel decoded to 255 while the product stayed more than a few blocks from the edge), because the
 * decoder clips the rounding at 255. Near-white such as 250–254 is a grey or a cast a marketplace flags, not noise.
 * What JPEG does produce is ringing within a block or two of a product that comes near the edge; the 2% allowance
 * absorbs that, and a few dust specks, and nothing larger.
 */
export const minBorderPureWhiteRatio = 0.98;

// — the product —
/** "Centred": the product's centroid within 10% of the half-diagonal of the frame centre (57 px at 800×800). */
export const maxCentroidOffset = 0.1;

/**
 * Amazon's "product fills 85% of the frame" is read on the product's longer extent (`bboxFill`: the larger of
 * bbox width / frame width and bbox height / frame height), the way Amazon's own guidance measures it: a bottle
 * that spans 85% of the height fills the frame even though it covers much less of its area.
 */
export const amazonMinBboxFill = 0.85;

// — text —
/**
 * "No text": the union of text boxes covers at most 0.5% of the frame AND no box has a score of 0.7 or more.
 * The area bound stops a spread of weak detections; the score bound stops a small but clear watermark or logo
 * line, which covers far less than 0.5% (a 120×24 px line is 0.45% of 800×800). Small boxes between the detector's
 * keep threshold (0.6) and 0.7 are tolerated as the detector's least certain guesses.
 *
 * The detector cannot tell text printed on the product (a can's label) from text laid over the image, and the
 * features give the product's size but not its position, so the rule counts every box in the frame: a labelled
 * product fails it. Counting only text off the product needs the product's bbox position among the features.
 */
export const maxTextAreaRatio = 0.005;
export const confidentTextScore = 0.7;
