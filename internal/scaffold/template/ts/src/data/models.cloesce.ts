// The models: weather reports in the D1 database, each with its weather
// entries, and a photo per entry in the R2 bucket. `cloesce compile` reads
// the decorated classes; the methods written in them run in the Worker,
// `this` being the object the request names, read from the database.
// After changing a model's properties, run `cloesce migrate --all <name>`
// to write the migration.
import { GET, HttpResult, IncludeTree, Inject, Integer, Model, POST, R2 } from "cloesce/backend";
import { Env } from "./main.cloesce";

@Model()
export class Weather {
    id: Integer;

    weatherReportId: Integer;
    weatherReport: WeatherReport | undefined;

    dateTime: Date;
    location: string;
    temperature: number;
    condition: string;

    @R2("weather/photo/{id}", "bucket")
    photo: R2ObjectBody | undefined;

    static readonly withPhoto: IncludeTree<Weather> = {
        photo: {},
    };

    // Stores the request's body as the photo. R2 must know an upload's
    // length, which a streamed (chunked) request does not give: read it
    // first.
    @POST
    async uploadPhoto(@Inject env: Env, stream: ReadableStream): Promise<void> {
        const photo = await new Response(stream).arrayBuffer();
        await env.bucket.put(`weather/photo/${this.id}`, photo);
    }

    // Streams the photo back, without reading it into memory.
    @GET
    downloadPhoto(): HttpResult<ReadableStream> {
        if (!this.photo) {
            return HttpResult.fail(404, `weather ${this.id} has no photo`);
        }
        return HttpResult.ok(this.photo.body);
    }
}

@Model(["GET", "LIST", "SAVE"])
export class WeatherReport {
    id: Integer;

    title: string;
    description: string;

    weatherEntries: Weather[];

    static readonly withWeatherEntries: IncludeTree<WeatherReport> = {
        weatherEntries: {},
    };
}
