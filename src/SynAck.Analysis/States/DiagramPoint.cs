namespace SynAck.Analysis.States;

/// <summary>A point of a figure in SVG user units (y grows downwards).</summary>
internal readonly record struct DiagramPoint(double X, double Y);
