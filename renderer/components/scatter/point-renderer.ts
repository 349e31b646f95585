// Draws many points with plain WebGL 1: one draw call of gl.POINTS for all of them and
// one for the selection on top. Written directly (not regl, whose generated code needs
// `eval`, which the app's Content-Security-Policy forbids). Positions live in GPU
// buffers; panning and zooming change two uniforms only, so 100,000 points redraw in
// well under a frame.
import { clipScale, type Size, type View } from './view-transform.ts';

const VERTEX_SHADER = `
attribute vec2 a_position;   // data coordinates, [-1, 1]
attribute float a_colour;    // index into u_palette
uniform vec2 u_centre;       // data coordinates at the canvas centre
uniform vec2 u_scale;        // clip units per data unit, per axis
uniform float u_size;        // device pixels
uniform vec3 u_palette[12];
varying vec3 v_colour;
void main() {
  gl_Position = vec4((a_position - u_centre) * u_scale, 0.0, 1.0);
  gl_PointSize = u_size;
  v_colour = u_palette[int(a_colour + 0.5)];
}`;

const FRAGMENT_SHADER = `
precision mediump float;
varying vec3 v_colour;
uniform vec3 u_override;     // used when u_useOverride > 0.5 (the selection pass)
uniform float u_useOverride;
void main() {
  vec2 c = gl_PointCoord - vec2(0.5);
  float r2 = dot(c, c);
  if (r2 > 0.25) discard;
  // A thin darker rim so overlapping points stay distinguishable.
  float rim = smoothstep(0.16, 0.25, r2);
  vec3 colour = mix(v_colour, u_override, u_useOverride);
  gl_FragColor = vec4(mix(colour, colour * 0.6, rim * 0.6), 1.0);
}`;

/** Palette size the shader holds: ten category colours and the root grey, plus one spare. */
export const PALETTE_SLOTS = 12;

function compile(gl: WebGLRenderingContext, type: number, source: string): WebGLShader {
  const shader = gl.createShader(type)!;
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`map shader: ${gl.getShaderInfoLog(shader)}`);
  return shader;
}

function rgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [((value >> 16) & 255) / 255, ((value >> 8) & 255) / 255, (value & 255) / 255];
}

export class PointRenderer {
  readonly #gl: WebGLRenderingContext;
  readonly #program: WebGLProgram;
  readonly #positions: WebGLBuffer;
  readonly #colours: WebGLBuffer;
  readonly #selectedPositions: WebGLBuffer;
  readonly #selectedColours: WebGLBuffer;
  #count = 0;
  #selectedCount = 0;
  #x: Float32Array = new Float32Array(0);
  #y: Float32Array = new Float32Array(0);
  #colourIndex: Float32Array = new Float32Array(0);

  /** Throws when the browser has no WebGL (the caller says so in words). */
  constructor(canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer: the picture stays readable (screenshots, tests) between frames.
    // No MSAA: the points are discs cut in the fragment shader, and multisampling made a
    // software-rendered frame of 100k points ~8x slower (bench/explorer-map-fps.ts).
    const gl = canvas.getContext('webgl', { antialias: false, preserveDrawingBuffer: true, alpha: false });
    if (!gl) throw new Error('this browser cannot draw WebGL, which the map needs');
    this.#gl = gl;
    const program = gl.createProgram()!;
    gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX_SHADER));
    gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, FRAGMENT_SHADER));
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`map shader: ${gl.getProgramInfoLog(program)}`);
    this.#program = program;
    this.#positions = gl.createBuffer()!;
    this.#colours = gl.createBuffer()!;
    this.#selectedPositions = gl.createBuffer()!;
    this.#selectedColours = gl.createBuffer()!;
  }

  /**
   * Uploads the points. x, y: [N] data coordinates; colourIndex: [N] palette slot per
   * point (0 … PALETTE_SLOTS−1).
   */
  setPoints(x: Float32Array, y: Float32Array, colourIndex: Float32Array): void {
    const gl = this.#gl;
    const interleaved = new Float32Array(2 * x.length); // [N, 2]
    for (let i = 0; i < x.length; i++) {
      interleaved[2 * i] = x[i]!;
      interleaved[2 * i + 1] = y[i]!;
    }
    gl.bindBuffer(gl.ARRAY_BUFFER, this.#positions);
    gl.bufferData(gl.ARRAY_BUFFER, interleaved, gl.STATIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.#colours);
    gl.bufferData(gl.ARRAY_BUFFER, colourIndex, gl.STATIC_DRAW);
    this.#count = x.length;
    this.#x = x;
    this.#y = y;
    this.#colourIndex = colourIndex;
    this.setSelection([]);
  }

  /** The selected points, drawn again on top inside a ring of the highlight colour. */
  setSelection(indices: readonly number[]): void {
    const gl = this.#gl;
    const positions = new Float32Array(2 * indices.length); // [S, 2]
    const colours = new Float32Array(indices.length);
    indices.forEach((index, j) => {
      positions[2 * j] = this.#x[index]!;
      positions[2 * j + 1] = this.#y[index]!;
      colours[j] = this.#colourIndex[index]!;
    });
    gl.bindBuffer(gl.ARRAY_BUFFER, this.#selectedPositions);
    gl.bufferData(gl.ARRAY_BUFFER, positions, gl.DYNAMIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.#selectedColours);
    gl.bufferData(gl.ARRAY_BUFFER, colours, gl.DYNAMIC_DRAW);
    this.#selectedCount = indices.length;
  }

  /**
   * Draws one frame. size: CSS pixels of the canvas; pixelRatio: device pixels per CSS
   * pixel; palette: hex colours per slot; pointSize in CSS pixels.
   */
  render(options: { view: View; size: Size; pixelRatio: number; background: string; palette: readonly string[]; highlight: string; pointSize: number }): void {
    const gl = this.#gl;
    const { view, size, pixelRatio } = options;
    gl.viewport(0, 0, gl.drawingBufferWidth, gl.drawingBufferHeight);
    const [r, g, b] = rgb(options.background);
    gl.clearColor(r, g, b, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    if (this.#count === 0) return;
    gl.useProgram(this.#program);
    const uniform = (name: string) => gl.getUniformLocation(this.#program, name);
    gl.uniform2f(uniform('u_centre'), view.cx, view.cy);
    gl.uniform2fv(uniform('u_scale'), clipScale(view, size));
    const palette = new Float32Array(3 * PALETTE_SLOTS);
    options.palette.slice(0, PALETTE_SLOTS).forEach((hex, i) => palette.set(rgb(hex), 3 * i));
    gl.uniform3fv(uniform('u_palette[0]'), palette);
    gl.uniform3fv(uniform('u_override'), rgb(options.highlight));

    const draw = (positions: WebGLBuffer, colours: WebGLBuffer, count: number, sizePx: number, override: boolean) => {
      const position = gl.getAttribLocation(this.#program, 'a_position');
      const colour = gl.getAttribLocation(this.#program, 'a_colour');
      gl.bindBuffer(gl.ARRAY_BUFFER, positions);
      gl.enableVertexAttribArray(position);
      gl.vertexAttribPointer(position, 2, gl.FLOAT, false, 0, 0);
      gl.bindBuffer(gl.ARRAY_BUFFER, colours);
      gl.enableVertexAttribArray(colour);
      gl.vertexAttribPointer(colour, 1, gl.FLOAT, false, 0, 0);
      gl.uniform1f(uniform('u_size'), sizePx * pixelRatio);
      gl.uniform1f(uniform('u_useOverride'), override ? 1 : 0);
      gl.drawArrays(gl.POINTS, 0, count);
    };
    draw(this.#positions, this.#colours, this.#count, options.pointSize, false);
    if (this.#selectedCount > 0) {
      // A ring in the highlight colour around each selected point, which keeps its own colour.
      draw(this.#selectedPositions, this.#selectedColours, this.#selectedCount, options.pointSize + 6, true);
      draw(this.#selectedPositions, this.#selectedColours, this.#selectedCount, options.pointSize, false);
    }
  }

  dispose(): void {
    const gl = this.#gl;
    for (const buffer of [this.#positions, this.#colours, this.#selectedPositions, this.#selectedColours]) gl.deleteBuffer(buffer);
    gl.deleteProgram(this.#program);
  }
}
